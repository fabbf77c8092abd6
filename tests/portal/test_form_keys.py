"""A posted key beyond 64 bits is an invalid choice, never a database error (a 500)."""

import pytest
from django.core.exceptions import ValidationError

from members.models import MembershipPlan
from portal.forms import KeyedModelChoiceField, KeyedModelMultipleChoiceField

pytestmark = pytest.mark.django_db

HUGE = str(2**63)


def test_one_choice_refuses_a_key_no_column_holds():
    field = KeyedModelChoiceField(queryset=MembershipPlan.objects.all())
    with pytest.raises(ValidationError) as error:
        field.clean(HUGE)
    assert error.value.code == "invalid_choice"


def test_several_choices_refuse_a_key_no_column_holds():
    field = KeyedModelMultipleChoiceField(queryset=MembershipPlan.objects.all())
    with pytest.raises(ValidationError) as error:
        field.clean([HUGE])
    assert error.value.code == "invalid_pk_value"


def test_a_real_key_is_still_accepted():
    plan = MembershipPlan.objects.create(code="proef", name_nl="Proef", name_en="Trial", yearly_price="10.00")
    assert KeyedModelChoiceField(queryset=MembershipPlan.objects.all()).clean(str(plan.pk)) == plan
    assert list(KeyedModelMultipleChoiceField(queryset=MembershipPlan.objects.all()).clean([str(plan.pk)])) == [plan]
