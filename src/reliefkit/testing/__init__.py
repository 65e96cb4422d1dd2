"""Hypothesis strategies for reliefkit records and whole campaigns (needs ``reliefkit[testing]``)."""
