"""The API's work, called by the thin routes and by the job workers."""
