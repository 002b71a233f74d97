"""``kcconf lsp``: a language server for Kopano config files (pygls, lsprotocol).

Only the ``lsp`` command imports this package, so pygls stays off every other command's
start-up path. ``positions`` converts kcconf's places (byte offsets; 1-based lines and
character columns) to LSP positions (0-based lines, UTF-16 code units) and has no pygls
in it; ``features`` answers the requests from kcconf's own modules; ``server`` wires
them to pygls.
"""
