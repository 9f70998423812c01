"""The static progress report for senior officials, built from the served warehouse."""
