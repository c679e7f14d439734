"""One module per page: its layout and its small page state."""
