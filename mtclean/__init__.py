"""mtclean: find and repair spun, machine-translated and boilerplate-polluted news text."""

from mtclean.cleaner import Cleaner
from mtclean.config import CleanerConfig
from mtclean.edits import apply_edits
from mtclean.records import CleanResult, Detection, Document, Edit, Span

__version__ = "0.1.0"

__all__ = [
    "CleanResult",
    "Cleaner",
    "CleanerConfig",
    "Detection",
    "Document",
    "Edit",
    "Span",
    "__version__",
    "apply_edits",
]
