"""Platform-neutral core: message types, router, dispatcher, roles. Imports no platform library."""
