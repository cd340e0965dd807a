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
        case 'sign'
            __mgov_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'xml'
                __mgov_parse_subcommand -r 1 'home=' 'profile=' 'json' 'quiet' 'no-color' 'password-file=' 'o/output=' 'out-dir=' 'key=' 'cert=' 'pkcs12=' 'enveloped' 'enveloping' 'detached' 'reference=+' 'id-attr=+' 'c14n=' 'digest=' 'rsa-pss' 'no-keyinfo' 'allow-expired' 'version' 'h/help'
            case 'verify'
                __mgov_parse_subcommand -r 1 'home=' 'profile=' 'json' 'quiet' 'no-color' 'trusted=+' 'cert=' 'any-signer' 'at=' 'allow-sha1' 'hmac-key=' 'id-attr=+' 'signed-output=' 'signature-xpath=' 'version' 'h/help'
            end
        case 'log'
            __mgov_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'append'
                __mgov_parse_subcommand 0 'home=' 'profile=' 'json' 'quiet' 'no-color' 'type=' 'time=' 'user=' 'subject=' 'legal-basis=' 'legal-reason=' 'message=' 'level=' 'field=+' 'input=' 'version' 'h/help'
            case 'query'
                __mgov_parse_subcommand 0 'home=' 'profile=' 'json' 'quiet' 'no-color' 'from=' 'to=' 'legal-basis=' 'type=+' 'filter=+' 'page=' 'page-size=' 'ndjson' 'version' 'h/help'
            case 'show'
                __mgov_parse_subcommand 1 'home=' 'profile=' 'json' 'quiet' 'no-color' 'version' 'h/help'
            case 'tail'
                __mgov_parse_subcommand 0 'home=' 'profile=' 'json' 'quiet' 'no-color' 'n/lines=' 'f/follow' 'version' 'h/help'
            case 'verify'
                __mgov_parse_subcommand 0 'home=' 'profile=' 'json' 'quiet' 'no-color' 'password-file=' 'from-checkpoint=' 'key=' 'version' 'h/help'
            case 'checkpoint'
                __mgov_parse_subcommand 0 'home=' 'profile=' 'json' 'quiet' 'no-color' 'password-file=' 'origin=' 'o/output=' 'version' 'h/help'
            case 'prove'
                __mgov_parse_subcommand 1 'home=' 'profile=' 'json' 'quiet' 'no-color' 'consistency=' 'size=' 'o/output=' 'version' 'h/help'
            case 'verify-proof'
                __mgov_parse_subcommand 1 'home=' 'profile=' 'json' 'quiet' 'no-color' 'checkpoint=' 'key=' 'version' 'h/help'
            case 'export'
                __mgov_parse_subcommand 0 'home=' 'profile=' 'json' 'quiet' 'no-color' 'format=' 'from-seq=' 'to-seq=' 'o/output=' 'version' 'h/help'
            case 'access-history'
                __mgov_parse_subcommand 1 'home=' 'profile=' 'json' 'quiet' 'no-color' 'version' 'h/help'
            case 'ship'
                __mgov_parse_subcommand 0 'home=' 'profile=' 'json' 'quiet' 'no-color' 'password-file=' 'to=' 'unsigned' 'follow' 'interval=' 'insecure' 'version' 'h/help'
            case 'serve'
                __mgov_parse_subcommand 0 'home=' 'profile=' 'json' 'quiet' 'no-color' 'password-file=' 'listen=' 'max-body=' 'insecure' 'version' 'h/help'
            end
        case 'pki'
            __mgov_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'show'
                __mgov_parse_subcommand 1 'home=' 'profile=' 'json' 'quiet' 'no-color' 'password-file=' 'version' 'h/help'
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
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov" -eq 1' -fa 'sign' -d 'Sign and verify XML documents (XMLDSig), offline.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov" -eq 1' -fa 'log' -d 'The tamper-evident audit log: append, query, verify, prove, export.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov" -eq 1' -fa 'pki' -d 'Inspect certificates and PKCS#12 files (a test PKI is planned).'
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
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov sign" -eq 1' -fa 'xml' -d 'Sign XML files with the profile\'s key, or --key/--cert, or --pkcs12.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov sign" -eq 1' -fa 'verify' -d 'Verify the XML signatures in files: one result line each (JSON lines with --json).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign xml" home' -l 'home' -d 'The mgov home folder (also MGOV_HOME).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign xml" profile' -l 'profile' -d 'The profile to act as (also MGOV_PROFILE; else the store\'s default).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign xml" json' -l 'json' -d 'Print one JSON document (or JSON lines for streams) on stdout.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign xml" quiet' -l 'quiet' -d 'Print no progress or status messages on stderr.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign xml" no-color' -l 'no-color' -d 'No colours in messages (also NO_COLOR).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign xml" password-file' -l 'password-file' -d 'Read the key password from this file (also MGOV_PASSWORD; a prompt only on a terminal).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign xml" o output' -s 'o' -l 'output' -d 'Write the signed document here (\'-\': stdout; one input only).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign xml" out-dir' -l 'out-dir' -d 'Write each signed file here, under its own name.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign xml" key' -l 'key' -d 'Private key file (instead of the profile\'s).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign xml" cert' -l 'cert' -d 'Certificate file, signer first, then the chain.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign xml" pkcs12' -l 'pkcs12' -d 'PKCS#12 file with key and certificates.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign xml" enveloped' -l 'enveloped' -d 'Sign the whole document; the Signature becomes the root\'s last child (default).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign xml" enveloping' -l 'enveloping' -d 'Wrap the document in ds:Object inside a new ds:Signature root.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign xml" detached' -l 'detached' -d 'Sign the elements named by --reference, in the same document.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign xml"' -l 'reference' -d 'With --detached: a same-document reference \'#ID\' (repeatable).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign xml"' -l 'id-attr' -d 'An ID attribute name (repeatable; default Id, ID, id).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign xml" c14n' -l 'c14n' -d 'exc, exc-with-comments, c14n, c14n-with-comments, c14n11 (default exc).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign xml" digest' -l 'digest' -d 'sha256, sha384 or sha512.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign xml" rsa-pss' -l 'rsa-pss' -d 'RSA-PSS (xmldsig-more sha256-rsa-MGF1) instead of PKCS#1 v1.5.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign xml" no-keyinfo' -l 'no-keyinfo' -d 'Leave KeyInfo out.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign xml" allow-expired' -l 'allow-expired' -d 'Sign even with an expired or not yet valid certificate.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign xml" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign xml" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign verify" home' -l 'home' -d 'The mgov home folder (also MGOV_HOME).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign verify" profile' -l 'profile' -d 'The profile to act as (also MGOV_PROFILE; else the store\'s default).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign verify" json' -l 'json' -d 'Print one JSON document (or JSON lines for streams) on stdout.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign verify" quiet' -l 'quiet' -d 'Print no progress or status messages on stderr.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign verify" no-color' -l 'no-color' -d 'No colours in messages (also NO_COLOR).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign verify"' -l 'trusted' -d 'A trust anchor certificate (repeatable; default: the profile\'s).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign verify" cert' -l 'cert' -d 'Pin the signer\'s certificate: its key is used, KeyInfo is ignored.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign verify" any-signer' -l 'any-signer' -d 'Accept a valid signature from any signer (no trust check).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign verify" at' -l 'at' -d 'Check the chain at this time instead of now.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign verify" allow-sha1' -l 'allow-sha1' -d 'Accept SHA-1 digests and signatures, with a warning.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign verify" hmac-key' -l 'hmac-key' -d 'The shared key for HMAC signatures.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign verify"' -l 'id-attr' -d 'An ID attribute name (repeatable; default Id, ID, id).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign verify" signed-output' -l 'signed-output' -d 'Write only the content the signatures cover (one input only).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign verify" signature-xpath' -l 'signature-xpath' -d 'Check only the signatures this XPath selects (prefix ds is bound).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign verify" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov sign verify" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov log" -eq 1' -fa 'append' -d 'Append one event from flags, or NDJSON events from stdin (all or nothing).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov log" -eq 1' -fa 'query' -d 'Find entries by time range, type and field values, a page at a time.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov log" -eq 1' -fa 'show' -d 'Show one entry.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov log" -eq 1' -fa 'tail' -d 'Print the last entries; with -f, keep printing new ones as they are logged.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov log" -eq 1' -fa 'verify' -d 'Recompute every entry and the whole tree; compare with the stored nodes and checkpoints.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov log" -eq 1' -fa 'checkpoint' -d 'Sign the current tree head with the profile\'s key and keep the checkpoint.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov log" -eq 1' -fa 'prove' -d 'Print an inclusion proof for an entry, or a consistency proof between two tree sizes (JSON).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov log" -eq 1' -fa 'verify-proof' -d 'Check a proof against a signed checkpoint and a public key, offline, without the store.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov log" -eq 1' -fa 'export' -d 'Export entries as NDJSON, RFC 5424 syslog, ArcSight CEF or OpenTelemetry log records.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov log" -eq 1' -fa 'access-history' -d 'List who accessed one person\'s data: the personal-data events about a data subject.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov log" -eq 1' -fa 'ship' -d 'Send the log\'s entries to an MLog-compatible collector over mutual TLS, from a durable outbox.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov log" -eq 1' -fa 'serve' -d 'Run an MLog-compatible collector over mutual TLS, storing into this home\'s log.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log append" home' -l 'home' -d 'The mgov home folder (also MGOV_HOME).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log append" profile' -l 'profile' -d 'The profile to act as (also MGOV_PROFILE; else the store\'s default).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log append" json' -l 'json' -d 'Print one JSON document (or JSON lines for streams) on stdout.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log append" quiet' -l 'quiet' -d 'Print no progress or status messages on stderr.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log append" no-color' -l 'no-color' -d 'No colours in messages (also NO_COLOR).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log append" type' -l 'type' -d 'event_type, e.g. MConnect.Request.Served.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log append" time' -l 'time' -d 'event_time (default: now).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log append" user' -l 'user' -d 'user: who acted.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log append" subject' -l 'subject' -d 'subject: whom the event is about (e.g. an IDNP).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log append" legal-basis' -l 'legal-basis' -d 'legal_basis: the law or act that allows it.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log append" legal-reason' -l 'legal-reason' -d 'legal_reason: the purpose.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log append" message' -l 'message' -d 'event_message.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log append" level' -l 'level' -d 'event_level (Trace, Debug, Info, Warning, Error, Critical).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log append"' -l 'field' -d 'Any other field, NAME=VALUE (repeatable; a repeated name makes an array).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log append" input' -l 'input' -d 'Read NDJSON events from this file instead of stdin.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log append" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log append" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log query" home' -l 'home' -d 'The mgov home folder (also MGOV_HOME).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log query" profile' -l 'profile' -d 'The profile to act as (also MGOV_PROFILE; else the store\'s default).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log query" json' -l 'json' -d 'Print one JSON document (or JSON lines for streams) on stdout.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log query" quiet' -l 'quiet' -d 'Print no progress or status messages on stderr.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log query" no-color' -l 'no-color' -d 'No colours in messages (also NO_COLOR).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log query" from' -l 'from' -d 'Events at or after this time.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log query" to' -l 'to' -d 'Events at or before this time.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log query" legal-basis' -l 'legal-basis' -d 'Why you search (required with --from/--to).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log query"' -l 'type' -d 'event_type, or a prefix ending in \'*\' (repeatable: any of them).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log query"' -l 'filter' -d 'FIELD=VALUE that must hold (repeatable: all of them).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log query" page' -l 'page' -d 'The page, from 1.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log query" page-size' -l 'page-size' -d 'Entries per page (at most 10000).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log query" ndjson' -l 'ndjson' -d 'One JSON entry per line instead of one document.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log query" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log query" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log show" home' -l 'home' -d 'The mgov home folder (also MGOV_HOME).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log show" profile' -l 'profile' -d 'The profile to act as (also MGOV_PROFILE; else the store\'s default).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log show" json' -l 'json' -d 'Print one JSON document (or JSON lines for streams) on stdout.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log show" quiet' -l 'quiet' -d 'Print no progress or status messages on stderr.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log show" no-color' -l 'no-color' -d 'No colours in messages (also NO_COLOR).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log show" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log tail" home' -l 'home' -d 'The mgov home folder (also MGOV_HOME).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log tail" profile' -l 'profile' -d 'The profile to act as (also MGOV_PROFILE; else the store\'s default).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log tail" json' -l 'json' -d 'Print one JSON document (or JSON lines for streams) on stdout.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log tail" quiet' -l 'quiet' -d 'Print no progress or status messages on stderr.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log tail" no-color' -l 'no-color' -d 'No colours in messages (also NO_COLOR).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log tail" lines n' -s 'n' -l 'lines' -d 'How many of the last entries to print first.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log tail" f follow' -s 'f' -l 'follow' -d 'Keep printing entries as they are appended.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log tail" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log tail" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log verify" home' -l 'home' -d 'The mgov home folder (also MGOV_HOME).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log verify" profile' -l 'profile' -d 'The profile to act as (also MGOV_PROFILE; else the store\'s default).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log verify" json' -l 'json' -d 'Print one JSON document (or JSON lines for streams) on stdout.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log verify" quiet' -l 'quiet' -d 'Print no progress or status messages on stderr.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log verify" no-color' -l 'no-color' -d 'No colours in messages (also NO_COLOR).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log verify" password-file' -l 'password-file' -d 'Read the key password from this file (also MGOV_PASSWORD; a prompt only on a terminal).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log verify" from-checkpoint' -l 'from-checkpoint' -d 'A checkpoint saved earlier (signed note).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log verify" key' -l 'key' -d 'The checkpoint signer\'s public key or certificate (PEM or DER).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log verify" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log verify" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log checkpoint" home' -l 'home' -d 'The mgov home folder (also MGOV_HOME).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log checkpoint" profile' -l 'profile' -d 'The profile to act as (also MGOV_PROFILE; else the store\'s default).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log checkpoint" json' -l 'json' -d 'Print one JSON document (or JSON lines for streams) on stdout.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log checkpoint" quiet' -l 'quiet' -d 'Print no progress or status messages on stderr.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log checkpoint" no-color' -l 'no-color' -d 'No colours in messages (also NO_COLOR).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log checkpoint" password-file' -l 'password-file' -d 'Read the key password from this file (also MGOV_PASSWORD; a prompt only on a terminal).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log checkpoint" origin' -l 'origin' -d 'The checkpoint\'s origin line and key name (default: the profile\'s identity + /log).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log checkpoint" o output' -s 'o' -l 'output' -d 'Write the checkpoint to this file (\'-\': stdout).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log checkpoint" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log checkpoint" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log prove" home' -l 'home' -d 'The mgov home folder (also MGOV_HOME).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log prove" profile' -l 'profile' -d 'The profile to act as (also MGOV_PROFILE; else the store\'s default).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log prove" json' -l 'json' -d 'Print one JSON document (or JSON lines for streams) on stdout.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log prove" quiet' -l 'quiet' -d 'Print no progress or status messages on stderr.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log prove" no-color' -l 'no-color' -d 'No colours in messages (also NO_COLOR).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log prove" consistency' -l 'consistency' -d 'Prove that the tree of this size is a prefix of the current one.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log prove" size' -l 'size' -d 'The tree size to prove against.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log prove" o output' -s 'o' -l 'output' -d 'Write the proof to this file.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log prove" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log prove" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log verify-proof" home' -l 'home' -d 'The mgov home folder (also MGOV_HOME).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log verify-proof" profile' -l 'profile' -d 'The profile to act as (also MGOV_PROFILE; else the store\'s default).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log verify-proof" json' -l 'json' -d 'Print one JSON document (or JSON lines for streams) on stdout.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log verify-proof" quiet' -l 'quiet' -d 'Print no progress or status messages on stderr.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log verify-proof" no-color' -l 'no-color' -d 'No colours in messages (also NO_COLOR).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log verify-proof" checkpoint' -l 'checkpoint' -d 'The signed checkpoint (default: the one in the proof).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log verify-proof" key' -l 'key' -d 'The log\'s public key or certificate (PEM or DER).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log verify-proof" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log verify-proof" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log export" home' -l 'home' -d 'The mgov home folder (also MGOV_HOME).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log export" profile' -l 'profile' -d 'The profile to act as (also MGOV_PROFILE; else the store\'s default).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log export" json' -l 'json' -d 'Print one JSON document (or JSON lines for streams) on stdout.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log export" quiet' -l 'quiet' -d 'Print no progress or status messages on stderr.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log export" no-color' -l 'no-color' -d 'No colours in messages (also NO_COLOR).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log export" format' -l 'format' -d 'ndjson, syslog, cef or otel.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log export" from-seq' -l 'from-seq' -d 'The first entry to export.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log export" to-seq' -l 'to-seq' -d 'The last entry to export.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log export" o output' -s 'o' -l 'output' -d 'Write to this file, atomically (\'-\': stdout).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log export" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log export" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log access-history" home' -l 'home' -d 'The mgov home folder (also MGOV_HOME).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log access-history" profile' -l 'profile' -d 'The profile to act as (also MGOV_PROFILE; else the store\'s default).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log access-history" json' -l 'json' -d 'Print one JSON document (or JSON lines for streams) on stdout.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log access-history" quiet' -l 'quiet' -d 'Print no progress or status messages on stderr.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log access-history" no-color' -l 'no-color' -d 'No colours in messages (also NO_COLOR).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log access-history" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log access-history" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log ship" home' -l 'home' -d 'The mgov home folder (also MGOV_HOME).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log ship" profile' -l 'profile' -d 'The profile to act as (also MGOV_PROFILE; else the store\'s default).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log ship" json' -l 'json' -d 'Print one JSON document (or JSON lines for streams) on stdout.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log ship" quiet' -l 'quiet' -d 'Print no progress or status messages on stderr.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log ship" no-color' -l 'no-color' -d 'No colours in messages (also NO_COLOR).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log ship" password-file' -l 'password-file' -d 'Read the key password from this file (also MGOV_PASSWORD; a prompt only on a terminal).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log ship" to' -l 'to' -d 'The collector\'s base URL, e.g. https://mlog.example.md.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log ship" unsigned' -l 'unsigned' -d 'Send events without JWS signatures.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log ship" follow' -l 'follow' -d 'Keep shipping new entries until interrupted.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log ship" interval' -l 'interval' -d 'Seconds between checks for new entries with --follow.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log ship" insecure' -l 'insecure' -d 'Plain HTTP without TLS, for tests on loopback only.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log ship" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log ship" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log serve" home' -l 'home' -d 'The mgov home folder (also MGOV_HOME).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log serve" profile' -l 'profile' -d 'The profile to act as (also MGOV_PROFILE; else the store\'s default).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log serve" json' -l 'json' -d 'Print one JSON document (or JSON lines for streams) on stdout.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log serve" quiet' -l 'quiet' -d 'Print no progress or status messages on stderr.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log serve" no-color' -l 'no-color' -d 'No colours in messages (also NO_COLOR).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log serve" password-file' -l 'password-file' -d 'Read the key password from this file (also MGOV_PASSWORD; a prompt only on a terminal).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log serve" listen' -l 'listen' -d 'HOST:PORT to listen on.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log serve" max-body' -l 'max-body' -d 'The largest request body accepted, in bytes.' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log serve" insecure' -l 'insecure' -d 'Plain HTTP without TLS, on loopback only, for tests.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log serve" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov log serve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov pki" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov pki" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_positional "mgov pki" -eq 1' -fa 'show' -d 'Summarize a certificate file (PEM or DER, every certificate in it) or a PKCS#12 file.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov pki show" home' -l 'home' -d 'The mgov home folder (also MGOV_HOME).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov pki show" profile' -l 'profile' -d 'The profile to act as (also MGOV_PROFILE; else the store\'s default).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov pki show" json' -l 'json' -d 'Print one JSON document (or JSON lines for streams) on stdout.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov pki show" quiet' -l 'quiet' -d 'Print no progress or status messages on stderr.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov pki show" no-color' -l 'no-color' -d 'No colours in messages (also NO_COLOR).'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov pki show" password-file' -l 'password-file' -d 'Read the key password from this file (also MGOV_PASSWORD; a prompt only on a terminal).' -rfka ''
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov pki show" version' -l 'version' -d 'Show the version.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov pki show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mgov' -n '__mgov_should_offer_completions_for_flags_or_options "mgov help" version' -l 'version' -d 'Show the version.'
