"""Sign-in and password forms of the pages (architecture §4b): Django's own, with the throttle's message."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .backends import LOCKED_MESSAGE, is_locked


class SignInForm(AuthenticationForm):
    """Django's sign-in form; a name locked out by the throttle (backends.py) is told so, not that the
    password was wrong (the backend refuses even the right password while the lock lasts)."""

    username = forms.CharField(label="用户名", max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(
        label="密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if username and is_locked(username, self.request):
            raise forms.ValidationError(LOCKED_MESSAGE, code="locked")
        try:
            return super().clean()
        except forms.ValidationError:
            # The failure just counted may be the one that locks the name.
            if username and is_locked(username, self.request):
                raise forms.ValidationError(LOCKED_MESSAGE, code="locked") from None
            raise
