"""The ``wxmigrate`` subcommands, one module each.

Each module has ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args, out, err) -> int``; :data:`wxmigrate.cli.COMMANDS` lists them.
"""
