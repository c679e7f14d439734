"""The layout shell, navbar, admin side navigation, forms, links, cards and badges. Imports only ``core``."""
