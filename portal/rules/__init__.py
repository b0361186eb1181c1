"""Domain rules for what staff enter: small pure functions that answer "what is wrong with this
value?" with an English message id (or None). The forms call them as validators, the spreadsheet
checks call them row by row; the services that write trust what they are given."""
