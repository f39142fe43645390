"""The intake form: caller, place, qualification, patients, secondary fields and their errors."""
