from django import forms

from .models import ProblemReport

MAX_REPORT_LENGTH = 2000


class ProblemReportForm(forms.ModelForm):
    message = forms.CharField(
        label="What is wrong with this claim?",
        max_length=MAX_REPORT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"Up to {MAX_REPORT_LENGTH} characters. Editors read every report.",
    )

    class Meta:
        model = ProblemReport
        fields = ["message", "contact"]
        labels = {"contact": "Your email (optional, if you would like an answer)"}
