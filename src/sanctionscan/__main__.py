"""`python -m sanctionscan` runs the CLI."""

from sanctionscan.cli import main

if __name__ == "__main__":
    main()
