"""Personal data: "download my data" (a zip of JSON + files) and "delete my account"."""
