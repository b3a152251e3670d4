"""Rules over frames: which UN measure a frame may breach, and the finding that says so.

`kinds` holds every kind of rule behind one interface (goods measures, listed parties),
`matcher` the per-document builder that asks each kind about each frame and merges what they
record into findings, `confidence` the one place a finding's confidence is scored, and
`checks` the semantic checks of a loaded rule set. The rule-file schema itself sits lower
(sanctionscan.schema), since the lexicon reads it too.
"""
