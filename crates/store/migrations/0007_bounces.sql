-- What became of a delivery after it left: '' (nothing heard), 'bounced'
-- (refused for good, at once or by a later report) or 'complained' (the
-- reader marked it as spam). Kept beside `status`, which only says whether
-- the relay took the message.
ALTER TABLE deliveries ADD COLUMN bounce TEXT NOT NULL DEFAULT '';

-- Reports name the address; its latest delivery is found by it.
CREATE INDEX deliveries_email ON deliveries (email);

-- A send's figures, read every few seconds while it runs, from the index.
CREATE INDEX deliveries_figures ON deliveries (send_id, status, bounce);
