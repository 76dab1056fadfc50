default allow
deny chmdo
