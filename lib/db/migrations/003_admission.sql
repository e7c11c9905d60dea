-- The runner's two state round trips. A refusal inside admission is raised as XB001 and
-- caught, so the subtransaction undoes every lock, lease and trial taken before it.
-- Only the once-only delivery key survives a refusal: that delivery has been handled.

-- Functions live in lib/db/migrations/functions/ (one file each, applied after the migrations, CREATE OR REPLACE).
