// The Security page's passkeys (templates/admin/accounts/mfa/_passkeys.html): once
// django-otp-webauthn's script has registered a new passkey, reload to list it. A file of
// its own because the admin's CSP refuses inline scripts.
document.addEventListener("otp_webauthn.register_complete", () => {
  window.location.reload();
});
