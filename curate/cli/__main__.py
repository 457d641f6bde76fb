"""``python -m curate.cli``."""

from curate.cli.main import main

main()
