"""reliefkit: rules-as-code for poverty-relief programs."""
