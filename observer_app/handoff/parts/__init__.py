"""The transport of a bundle on the stick: tar, then age, then parts of bounded size; and back.

Knows nothing of vaults or events: `transport` moves named byte streams, `tar_stream` frames
them, `names`, `writer`, `layout` and `read_back` deal with the part files themselves.
"""
