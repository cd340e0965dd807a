function __mgov_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __mgov_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __mgov_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __mgov_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __mgov_parse_tokens -S
    set -l unparsed_tokens (__mgov_tokens -pc)
    switch $unparsed_tokens[1]
    case 'mgov'
        __mgov_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'profile'
            __mgov_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __mgov_parse_subcommand 1 'home=' 'profile=' 'json' 'quiet' 'no-color' 'password-file=' 'identity=' 'key=' 'cert=' 'pkcs12=' 'trust=+' 'endpoint=+' 'default' 'version' 'h/help'
            case 'list'
                __mgov_parse_subcommand 0 'home=' 'profile=' 'json' 'quiet' 'no-color' 'version' 'h/help'
            case 'show'
                __mgov_parse_subcommand 1 'home=' 'profile=' 'json' 'quiet' 'no-color' 'version' 'h/help'
            case 'use'
                __mgov_parse_subcommand 1 'home=' 'profile=' 'json' 'quiet' 'no-color' 'version' 'h/help'
            case 'set'
                __mgov_parse_subcommand 3 'home=' 'profile=' 'json' 'quiet' 'no-color' 'password-file=' 'version' 'h/help'
            case 'delete'
                __mgov_parse_subcommand 1 'home=' 'profile=' 'json' 'quiet' 'no-color' 'force' 'version' 'h/help'
            end
        case 'help'
            __mgov_parse_subcommand -r 1 'version'
        end
    end
end

function __mgov_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __mgov_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __mgov_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __mgov_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__mgov_tokens -p)
    if test -z "$(__mgov_tokens -t)"
        set -l index (count (__mgov_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'mgov' -f
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov" -eq 1' -fa 'profile' -d 'Manage named profiles: identity, keys, trust anchors and endpoints.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov profile" -eq 1' -fa 'create' -d 'Create a profile after checking every file it names.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov profile" -eq 1' -fa 'list' -d 'List profiles.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov profile" -eq 1' -fa 'show' -d 'Show one profile (the selected one when no name is given).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov profile" -eq 1' -fa 'use' -d 'Make a profile the store\'s default.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov profile" -eq 1' -fa 'set' -d 'Change one setting of a profile.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov profile" -eq 1' -fa 'delete' -d 'Delete a profile (the default one only with --force).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile create" home' -l 'home' -d 'The mgov home folder (also MGOV_HOME).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile create" profile' -l 'profile' -d 'The profile to act as (also MGOV_PROFILE; else the store\'s default).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile create" json' -l 'json' -d 'Print one JSON document (or JSON lines for streams) on stdout.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile create" quiet' -l 'quiet' -d 'Print no progress or status messages on stderr.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile create" no-color' -l 'no-color' -d 'No colours in messages (also NO_COLOR).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile create" password-file' -l 'password-file' -d 'Read the key password from this file (also MGOV_PASSWORD; a prompt only on a terminal).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile create" identity' -l 'identity' -d 'Institution identity, e.g. MD/GOV/1003600123456/SUBSYS.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile create" key' -l 'key' -d 'Private key file (PEM or DER; PKCS#8 may be encrypted).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile create" cert' -l 'cert' -d 'Certificate file; may hold the chain after the signer.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile create" pkcs12' -l 'pkcs12' -d 'PKCS#12 file with key and certificate.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile create"' -l 'trust' -d 'Trust anchor certificates (repeatable).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile create"' -l 'endpoint' -d 'A named endpoint, NAME=URL (repeatable).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile create" default' -l 'default' -d 'Make this the default profile.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile create" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile list" home' -l 'home' -d 'The mgov home folder (also MGOV_HOME).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile list" profile' -l 'profile' -d 'The profile to act as (also MGOV_PROFILE; else the store\'s default).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile list" json' -l 'json' -d 'Print one JSON document (or JSON lines for streams) on stdout.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile list" quiet' -l 'quiet' -d 'Print no progress or status messages on stderr.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile list" no-color' -l 'no-color' -d 'No colours in messages (also NO_COLOR).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile list" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile show" home' -l 'home' -d 'The mgov home folder (also MGOV_HOME).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile show" profile' -l 'profile' -d 'The profile to act as (also MGOV_PROFILE; else the store\'s default).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile show" json' -l 'json' -d 'Print one JSON document (or JSON lines for streams) on stdout.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile show" quiet' -l 'quiet' -d 'Print no progress or status messages on stderr.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile show" no-color' -l 'no-color' -d 'No colours in messages (also NO_COLOR).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile show" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile use" home' -l 'home' -d 'The mgov home folder (also MGOV_HOME).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile use" profile' -l 'profile' -d 'The profile to act as (also MGOV_PROFILE; else the store\'s default).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile use" json' -l 'json' -d 'Print one JSON document (or JSON lines for streams) on stdout.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile use" quiet' -l 'quiet' -d 'Print no progress or status messages on stderr.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile use" no-color' -l 'no-color' -d 'No colours in messages (also NO_COLOR).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile use" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile use" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile set" home' -l 'home' -d 'The mgov home folder (also MGOV_HOME).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile set" profile' -l 'profile' -d 'The profile to act as (also MGOV_PROFILE; else the store\'s default).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile set" json' -l 'json' -d 'Print one JSON document (or JSON lines for streams) on stdout.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile set" quiet' -l 'quiet' -d 'Print no progress or status messages on stderr.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile set" no-color' -l 'no-color' -d 'No colours in messages (also NO_COLOR).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile set" password-file' -l 'password-file' -d 'Read the key password from this file (also MGOV_PASSWORD; a prompt only on a terminal).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile set" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile set" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile delete" home' -l 'home' -d 'The mgov home folder (also MGOV_HOME).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile delete" profile' -l 'profile' -d 'The profile to act as (also MGOV_PROFILE; else the store\'s default).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile delete" json' -l 'json' -d 'Print one JSON document (or JSON lines for streams) on stdout.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile delete" quiet' -l 'quiet' -d 'Print no progress or status messages on stderr.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile delete" no-color' -l 'no-color' -d 'No colours in messages (also NO_COLOR).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile delete" force' -l 'force' -d 'Delete even the default profile.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile delete" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov profile delete" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov help" version' -l 'version' -d 'Show the version.'
