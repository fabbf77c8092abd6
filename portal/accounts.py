"""How allauth fits the portal: its mail goes out through a task, never inline."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        from portal.mail import email_queue

        message = self.render_mail(template_prefix, email, context)
        email_queue(message=message, kind=f"account:{template_prefix}")
