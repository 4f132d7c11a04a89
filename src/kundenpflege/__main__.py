"""Allow `python -m kundenpflege`."""

from kundenpflege.cli import main

main()
