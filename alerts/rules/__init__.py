"""Alert rules as data: YAML files, validated with errors that name the file and the line."""

from alerts.rules.loader import DEFAULT_FOLDER, load_file, load_folder, reload
from alerts.rules.model import Match, Rule, RuleError, RuleSet

__all__ = ["DEFAULT_FOLDER", "Match", "Rule", "RuleError", "RuleSet", "load_file",
           "load_folder", "reload"]
