"""``python -m brief`` runs the command line."""

from brief.cli import main

if __name__ == "__main__":
    main()
