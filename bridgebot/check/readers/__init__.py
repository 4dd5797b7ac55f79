"""Readers for what developers really paste (issue 11), one module per form:

- ``lenient``: JSON as pasted (elisions, cut-off ends, JS literals, Python reprs) via pyjson5
- ``errors``: API errors nested in objects, in SDK renderings and in plain text, read with the
  error catalogs (``bridgebot/check/catalogs/``)
- ``operations``: the operation behind an error and the evidence for it
- ``versions``: which of several loaded versions of one API's spec a paste was written against
- ``printed``: requests printed inside error dumps (axios ``config``, octokit ``request``)
- ``guzzle``: PHP Guzzle calls
- ``sdk``: SDK calls (a sub-package, one module per language, parsed with tree-sitter), mapped to
  operations from the spec with each SDK's naming rules as data (``sdk/naming.yaml``)
- ``unread``: calls in forms no reader knows, said in one line
- ``prefilter``: a literal test before each catalog regex
"""
