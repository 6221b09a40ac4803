-- The texts of the mails the background tasks send (dbd/sql/background.sql), in one place.
-- p_values holds the values to fill in; they are plain text here (the HTML part of every mail
-- is made from the text with every value escaped, services/mail.c). Returns the subject, the
-- plain-text body and a one-line summary (the in-app notification's message).
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
    ELSE
        RAISE EXCEPTION 'no mail template %', p_kind;
    END CASE;
    RETURN NEXT;
END
$$;
