"""Getting data in: loading files (extraction in worker processes, one report line per file), a new
store bulk-loaded whole, loading through a running server, and the OParl import (sources, state).

Imports the store and the loader; nothing of the web front or the command line."""
