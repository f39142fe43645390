"""The regulation core: the rules of the room (who may decide, what a case's state allows) and its acts."""
