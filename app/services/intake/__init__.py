"""Call intake: the form's rules, phone numbers, patients, duplicate calls."""
