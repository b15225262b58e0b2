"""The trained span classifier: word features, n-gram statistics, training data, networks.

Heavy dependencies (torch, transformers, scikit-learn, datasets) are imported inside the
functions that need them, so importing this package stays cheap.
"""
