"""Writers for export files: browser bookmark files (Netscape HTML) and Trackeep archives."""
