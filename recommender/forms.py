from django import forms

from criteria.models import MAX_WEIGHT, MIN_WEIGHT

from .questionnaire import Answers, QuestionInfo, answer_errors

NO_PREFERENCE = ""
# Posted fields that are not answers.
NOT_ANSWERS = {"csrfmiddlewaretoken"}
ALL_WEIGHTS_ZERO = "Give at least one criterion a weight above 0: with every weight at 0 nothing is compared."


class QuestionnaireForm(forms.Form):
    """One field per question, named by its slug, with choice slugs as values; every one optional."""

    def __init__(self, questions: list[QuestionInfo], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            choices = list(question.choices.items())
            if question.allows_multiple:
                field = forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple)
            else:
                field = forms.ChoiceField(
                    choices=[(NO_PREFERENCE, "No answer"), *choices], widget=forms.RadioSelect
                )
            field.required = False
            field.label = question.text
            field.help_text = question.help_text
            self.fields[question.slug] = field

    def clean(self):
        # A browser only sends what the form offers; anything else is a tampered or hand-made post.
        posted = {
            key: [value for value in self.data.getlist(key) if value != NO_PREFERENCE]
            for key in self.data
            if key not in NOT_ANSWERS
        }
        for slug, message in answer_errors(posted, self.questions).items():
            if slug not in self.fields:
                self.add_error(None, message)
            else:
                # Ours names the valid choices, which the field's stock message does not.
                self.errors.pop(slug, None)
                self.add_error(slug, message)
        return self.cleaned_data

    def answers(self) -> Answers:
        chosen = {}
        for slug, value in self.cleaned_data.items():
            values = value if isinstance(value, list) else [value]
            values = [v for v in values if v != NO_PREFERENCE]
            if values:
                chosen[slug] = values
        return chosen


def initial_answers(params, questions: list[QuestionInfo]) -> dict:
    """Pre-fill from a link such as ?experience=beginner&project=rest-api, keeping valid values only."""
    initial = {}
    for question in questions:
        values = [v for v in params.getlist(question.slug) if v in question.choices]
        if values:
            initial[question.slug] = values if question.allows_multiple else values[0]
    return initial


class WeightsForm(forms.Form):
    """The weights a verdict used, one number per criterion, to re-score with."""

    def __init__(self, criteria: dict[str, str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        for slug, name in criteria.items():
            self.fields[slug] = forms.IntegerField(
                label=name,
                min_value=MIN_WEIGHT,
                max_value=MAX_WEIGHT,
                widget=forms.NumberInput(attrs={"step": 1}),
            )

    def clean(self):
        cleaned = super().clean()
        # Every score would be the same 50 out of 100, and no criterion would say why.
        if self.fields and all(cleaned.get(slug) == 0 for slug in self.fields):
            raise forms.ValidationError(ALL_WEIGHTS_ZERO, code="all_zero")
        return cleaned
