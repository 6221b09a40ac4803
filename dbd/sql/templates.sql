-- The texts of every mail CareChain sends, in one place: those of the background tasks
-- (dbd/sql/background.sql) and those queued at request time (services/mail.c cc_mail_queue,
-- which adds the site's public base URL as "base"). p_values holds the values to fill in; they
-- are plain text here (the HTML part of every mail is made from the text with every value
-- escaped, services/mail.c). Returns the subject, the plain-text body and a one-line summary
-- (the in-app notification's message; NULL for the mails queued at request time, whose
-- notifications are worded by their handlers). An unknown kind, or a value the text needs that
-- is missing, raises: no mail goes out half-written, and the change that causes it rolls back.
-- The request-time mails open with "Hello," and our words only (never a name a client typed:
-- anyone can register any address); a user's text (a reason, a job title) comes later, labelled.
CREATE OR REPLACE FUNCTION cc_mail_template(p_kind text, p_values jsonb)
RETURNS TABLE (subject text, body text, summary text) LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    v jsonb := coalesce(p_values, '{}');
    hello text := 'Hello ' || coalesce(nullif(v ->> 'first_name', ''), 'there') || ',';
BEGIN
    CASE p_kind
    WHEN 'job_expired' THEN
        subject := 'A job you applied to has expired';
        summary := 'The job "' || (v ->> 'job') || '" has expired and is no longer open.';
        body := hello || E'\n\n' || 'The job "' || (v ->> 'job') || '" at ' || (v ->> 'hospital')
                || E' has expired and is no longer open, so your application will not go\n'
                || E'any further.\n\nThe CareChain team\n';
    WHEN 'document_expiring' THEN
        subject := 'Your ' || (v ->> 'document') || ' expires on ' || (v ->> 'expires_on');
        summary := 'Your ' || (v ->> 'document') || ' "' || (v ->> 'name') || '" expires in '
                   || (v ->> 'days') || ' days (' || (v ->> 'expires_on') || ').';
        body := hello || E'\n\n' || 'Your ' || (v ->> 'document') || ' "' || (v ->> 'name')
                || '" expires on ' || (v ->> 'expires_on') || ', in ' || (v ->> 'days')
                || E' days.\nUpload the renewed document to your CareChain profile before'
                || E' then.\n\nThe CareChain team\n';
    WHEN 'document_expired' THEN
        subject := 'Your ' || (v ->> 'document') || ' has expired';
        summary := 'Your ' || (v ->> 'document') || ' "' || (v ->> 'name') || '" expired on '
                   || (v ->> 'expires_on') || '.';
        body := hello || E'\n\n' || 'Your ' || (v ->> 'document') || ' "' || (v ->> 'name')
                || '" expired on ' || (v ->> 'expires_on')
                || E'. Upload the renewed document to your CareChain profile.\n'
                || E'\nThe CareChain team\n';
    WHEN 'message_digest' THEN
        subject := CASE WHEN v ->> 'count' = '1' THEN 'You have an unread message on CareChain'
                        ELSE 'You have ' || (v ->> 'count') || ' unread messages on CareChain' END;
        summary := subject || '.';
        body := hello || E'\n\n' || CASE WHEN v ->> 'count' = '1' THEN 'A message is'
                                          ELSE (v ->> 'count') || ' messages are' END
                || E' waiting for you on CareChain:\n\n' || (v ->> 'lines')
                || E'\n\nRead and answer them in the app.\n\nThe CareChain team\n';
    -- ---- queued at request time (handlers/accounts.c, admin.c, applications.c,
    -- testimonials.c, verification.c); "base" has no trailing slash
    WHEN 'verify_email' THEN
        subject := 'Confirm your CareChain email address';
        body := E'Hello,\n\nWelcome to CareChain. Confirm your email address with this code:\n\n'
                || (v ->> 'token') || E'\n\nor open this link:\n' || (v ->> 'base')
                || '/verify-email?token=' || (v ->> 'token')
                || E'\n\nThe code expires in 24 hours and works once. If you did not create an'
                || E' account, ignore this message.\n';
    WHEN 'password_reset' THEN
        subject := 'Reset your CareChain password';
        body := E'Hello,\n\nSomeone asked to reset the password of your CareChain account. To'
                || E' choose a new password, use this code:\n\n' || (v ->> 'token')
                || E'\n\nor open this link:\n' || (v ->> 'base') || '/reset-password?token='
                || (v ->> 'token') || E'\n\nThe code expires in one hour and works once. If it'
                || E' was not you, ignore this message: your password stays as it is.\n';
    WHEN 'invitation' THEN
        subject := 'Your CareChain account is ready';
        body := E'Hello,\n\nA CareChain administrator created an account for this email'
                || E' address. To choose your password, use this code:\n\n' || (v ->> 'token')
                || E'\n\nor open this link:\n' || (v ->> 'base') || '/set-password?token='
                || (v ->> 'token') || E'\n\nThe code expires in 72 hours and works once. If you'
                || E' did not expect this message, ignore it.\n';
    WHEN 'application_status' THEN
        subject := 'Your application for ' || (v ->> 'job') || ': ' || (v ->> 'status');
        body := E'Hello,\n\nThe status of your application for "' || (v ->> 'job')
                || '" is now: ' || (v ->> 'status') || E'.\n\nSee your applications at '
                || (v ->> 'base') || E'/.\n';
    WHEN 'testimonial_rejected' THEN
        subject := 'Your CareChain testimonial was not published';
        body := E'Hello,\n\nAn administrator did not publish your testimonial on CareChain.'
                || E'\n\nReason: ' || (v ->> 'reason') || E'\n\nYou can edit it at '
                || (v ->> 'base') || E'/; an edited testimonial is reviewed again.\n';
    WHEN 'verification_approved' THEN
        -- "what": profile, hospital, recruiter account
        subject := 'Your CareChain ' || (v ->> 'what') || ' was verified';
        body := E'Hello,\n\nGood news: an administrator has verified your ' || (v ->> 'what')
                || E' on CareChain.\n\nSign in at ' || (v ->> 'base') || E'/ to continue.\n';
    WHEN 'verification_rejected' THEN
        subject := 'Your CareChain ' || (v ->> 'what') || ' was not verified';
        body := E'Hello,\n\nAn administrator could not verify your ' || (v ->> 'what')
                || E' on CareChain.\n\nReason: ' || (v ->> 'reason')
                || E'\n\nYou can correct the details and submit again at ' || (v ->> 'base')
                || E'/.\n';
    ELSE
        RAISE EXCEPTION 'no mail template %', p_kind;
    END CASE;
    IF subject IS NULL OR body IS NULL THEN
        RAISE EXCEPTION 'mail template %: a value is missing', p_kind;
    END IF;
    RETURN NEXT;
END
$$;
