"""One desk's workflow without Qt: what the console calls to open, regulate, search and book."""
