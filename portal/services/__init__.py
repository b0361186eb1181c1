"""Business rules as plain functions: routes, the CLI, the API and tests call the same code."""
