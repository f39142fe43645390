"""Authentication and access control: password hashing, tokens, the role x route table."""
