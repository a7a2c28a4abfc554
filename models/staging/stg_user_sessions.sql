{{!-- Sessions are mutable: keep the latest version of each (the macro staged_user_sessions). --}}
{{staged_user_sessions}}
