"""Chinese text processing without Django models: segmentation and normalisation (``zhtext``),
the routing text classifier (``textclassify``), in-memory BM25 retrieval (``retrieval``) and the
Teddy Cup 2020 spreadsheet reader (``teddycup``)."""
