"""``python -m reliefkit`` runs the command-line interface."""

from reliefkit.cli import main

raise SystemExit(main())
