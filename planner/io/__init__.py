"""Reading and writing case folders and plan files."""

from .reader import problems_of as problems_of
from .reader import read_case as read_case
from .writer import write_case as write_case
