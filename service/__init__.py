"""ratsgraph's service: the store, loading, the web front and the command line.

Where things are (arrows point web/cli → ingest → store → loader, never back):

* `service.store`  — the Store interface, embedded and remote backends, backups, who holds a store,
  stoppable reads, limits, the view cache and dumps (nothing of Flask's blueprints here);
* `service.ingest` — loading files (workers, per-file reports), bulk loads, loading through a
  server, and the OParl import;
* `service.web`    — `create_app`, one module per blueprint, negotiation, errors, templates, static;
* `service.cli`    — the `ratsgraph` command, one module per group of commands;
* `service.config`, `service.queries`, `service.errors` — settings, named views, `UserError`.
"""
