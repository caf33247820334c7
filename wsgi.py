"""The WSGI entry point for gunicorn: `gunicorn wsgi:app`."""

import gc

from app import create_app

app = create_app()
# Everything made so far (the modules, the app, the questionnaire: about 150,000 objects) lives as long as the
# process. Left to the garbage collector, each full collection walked them all, pausing every thread of the
# process for 150-200 ms about once in 80 requests; frozen, they are never walked.
gc.freeze()
