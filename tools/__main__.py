"""`python -m tools ...`: the catalog's command line."""

from tools.cli import main

if __name__ == "__main__":
    main()
