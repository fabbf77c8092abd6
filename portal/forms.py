"""Form fields shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError

# The largest key a database integer column holds (PostgreSQL bigint; SQLite's INTEGER).
MAX_KEY = 2**63 - 1


class KeyedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses keys no database column can hold.

    Django catches ValueError and TypeError from a posted key, but a number beyond
    64 bits raises OverflowError in the database driver: a 500 instead of the form's
    "not a valid value". Such a key is answered like any other invalid one.
    """

    def _check_values(self, value):
        for pk in value:
            if not _key_in_range(pk):
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                      params={"pk": pk})
        return super()._check_values(value)


def _key_in_range(value) -> bool:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return True  # Django's own check answers these
    return -MAX_KEY <= number <= MAX_KEY


class KeyedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that answers a key beyond 64 bits as an invalid choice, not a 500."""

    def to_python(self, value):
        if value not in self.empty_values and not _key_in_range(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return super().to_python(value)
