"""The ``wxmigrate`` subcommands, one module each.

Each module has ``add_arguments(parser)`` and ``run(args, out, err) -> int``;
:data:`COMMANDS` lists them.
"""

#: Each command's name and the line ``wxmigrate --help`` shows for it, in the order it lists them.
#: The command is the module of that name in this package; :func:`wxmigrate.cli.build_parser`
#: imports it only when its name is on the command line, since most of them import the whole library.
COMMANDS = {
    "inspect": "show the model of one or more posts (title, account, credits, blocks, findings)",
    "repair": "repair exported posts (a site root, a folder of posts, or one post) into --out or in place",
    "verify": "find, decode and check every image the posts of a site use (and fix what can be fixed)",
    "rules": "list the repair rules in the order they run, with their before/after examples",
    "config": "print the settings in force for a site (from its wxmigrate.toml or pyproject.toml) and where each came from",
}
