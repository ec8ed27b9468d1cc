"""opswizard: write, validate and browse operational learning entries from the terminal."""

__version__ = "0.1.0"
