"""``python -m wxmigrate``."""

from .cli import main

main()
