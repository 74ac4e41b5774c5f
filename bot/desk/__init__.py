"""The editors' desk (issue 15): adding articles, editing, publishing, reverting and removing
sheets from Discord, with history and an audit trail. files (the seeds folder), uploads
(attachments), service (the actions); bot.cogs.desk is its Discord surface."""
