#!/bin/bash

__mgov_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__mgov_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__mgov_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__mgov_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_mgov() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(-h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __mgov_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    profile|sign|connect|log|docs|deliver|notify|pki|help)
        # Offer subcommand argument completions
        "_mgov_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'profile sign connect log docs deliver notify pki help' -- "${cur}"))
        ;;
    esac
}

_mgov_profile() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __mgov_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|list|show|use|set|delete)
        # Offer subcommand argument completions
        "_mgov_profile_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create list show use set delete' -- "${cur}"))
        ;;
    esac
}

_mgov_profile_create() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color --default -h --help)
    repeating_options=(--trust --endpoint)
    non_repeating_options=(--home --profile --password-file --identity --key --cert --pkcs12)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--password-file')
        __mgov_add_completions -f
        return
        ;;
    '--identity')
        return
        ;;
    '--key')
        __mgov_add_completions -f
        return
        ;;
    '--cert')
        __mgov_add_completions -f
        return
        ;;
    '--pkcs12')
        __mgov_add_completions -f
        return
        ;;
    '--trust')
        __mgov_add_completions -f
        return
        ;;
    '--endpoint')
        return
        ;;
    esac
}

_mgov_profile_list() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    esac
}

_mgov_profile_show() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    esac
}

_mgov_profile_use() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    esac
}

_mgov_profile_set() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --password-file)
    __mgov_offer_flags_options 3

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--password-file')
        __mgov_add_completions -f
        return
        ;;
    esac
}

_mgov_profile_delete() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color --force -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    esac
}

_mgov_sign() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __mgov_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    xml|cms|verify)
        # Offer subcommand argument completions
        "_mgov_sign_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'xml cms verify' -- "${cur}"))
        ;;
    esac
}

_mgov_sign_xml() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color --allow-expired --enveloped --enveloping --detached --rsa-pss --no-keyinfo -h --help)
    repeating_options=(--reference --id-attr)
    non_repeating_options=(--home --profile --password-file -o --output --out-dir --key --cert --pkcs12 --c14n --digest)
    __mgov_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--password-file')
        __mgov_add_completions -f
        return
        ;;
    '-o'|'--output')
        __mgov_add_completions -f
        return
        ;;
    '--out-dir')
        __mgov_add_completions -d
        return
        ;;
    '--key')
        __mgov_add_completions -f
        return
        ;;
    '--cert')
        __mgov_add_completions -f
        return
        ;;
    '--pkcs12')
        __mgov_add_completions -f
        return
        ;;
    '--reference')
        return
        ;;
    '--id-attr')
        return
        ;;
    '--c14n')
        return
        ;;
    '--digest')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __mgov_add_completions -f
        return
        ;;
    esac
}

_mgov_sign_cms() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color --allow-expired --detached --attached --cades --no-certs -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --password-file -o --output --out-dir --key --cert --pkcs12 --format --digest)
    __mgov_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--password-file')
        __mgov_add_completions -f
        return
        ;;
    '-o'|'--output')
        __mgov_add_completions -f
        return
        ;;
    '--out-dir')
        __mgov_add_completions -d
        return
        ;;
    '--key')
        __mgov_add_completions -f
        return
        ;;
    '--cert')
        __mgov_add_completions -f
        return
        ;;
    '--pkcs12')
        __mgov_add_completions -f
        return
        ;;
    '--format')
        __mgov_add_completions -W 'der'$'\n''pem'$'\n''smime'
        return
        ;;
    '--digest')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __mgov_add_completions -f
        return
        ;;
    esac
}

_mgov_sign_verify() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color --any-signer --allow-sha1 --text -h --help)
    repeating_options=(--trusted --id-attr)
    non_repeating_options=(--home --profile --cert --at --hmac-key --content-output --signed-output --content --content-dir --signature-xpath)
    __mgov_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--trusted')
        __mgov_add_completions -f
        return
        ;;
    '--cert')
        __mgov_add_completions -f
        return
        ;;
    '--at')
        return
        ;;
    '--hmac-key')
        __mgov_add_completions -f
        return
        ;;
    '--id-attr')
        return
        ;;
    '--content-output'|'--signed-output')
        __mgov_add_completions -f
        return
        ;;
    '--content')
        __mgov_add_completions -f
        return
        ;;
    '--content-dir')
        __mgov_add_completions -d
        return
        ;;
    '--signature-xpath')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __mgov_add_completions -f
        return
        ;;
    esac
}

_mgov_connect() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __mgov_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    serve|service|services|grant|revoke|grants|clients|request|catalog)
        # Offer subcommand argument completions
        "_mgov_connect_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'serve service services grant revoke grants clients request catalog' -- "${cur}"))
        ;;
    esac
}

_mgov_connect_serve() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color --insecure-http -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --password-file --listen --config --idle-timeout)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--password-file')
        __mgov_add_completions -f
        return
        ;;
    '--listen')
        return
        ;;
    '--config')
        __mgov_add_completions -f
        return
        ;;
    '--idle-timeout')
        return
        ;;
    esac
}

_mgov_connect_service() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __mgov_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|rm)
        # Offer subcommand argument completions
        "_mgov_connect_service_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add rm' -- "${cur}"))
        ;;
    esac
}

_mgov_connect_service_add() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --dataset --key --proxy)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--dataset')
        __mgov_add_completions -f
        return
        ;;
    '--key')
        return
        ;;
    '--proxy')
        return
        ;;
    esac
}

_mgov_connect_service_rm() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    esac
}

_mgov_connect_services() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    esac
}

_mgov_connect_grant() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=(--legal-basis)
    non_repeating_options=(--home --profile --service --fields --expires)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--service')
        return
        ;;
    '--legal-basis')
        return
        ;;
    '--fields')
        return
        ;;
    '--expires')
        return
        ;;
    esac
}

_mgov_connect_revoke() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --service)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--service')
        return
        ;;
    esac
}

_mgov_connect_grants() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    esac
}

_mgov_connect_clients() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __mgov_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|list|rm)
        # Offer subcommand argument completions
        "_mgov_connect_clients_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add list rm' -- "${cur}"))
        ;;
    esac
}

_mgov_connect_clients_add() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --cert)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--cert')
        __mgov_add_completions -f
        return
        ;;
    esac
}

_mgov_connect_clients_list() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    esac
}

_mgov_connect_clients_rm() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    esac
}

_mgov_connect_request() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color --no-verify-response --insecure-http -h --help)
    repeating_options=(--param)
    non_repeating_options=(--home --profile --password-file --purpose --legal-basis --provider -X --data --content-type --user --issue --on-behalf-of -o --output --format --timeout)
    __mgov_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--password-file')
        __mgov_add_completions -f
        return
        ;;
    '--purpose')
        return
        ;;
    '--legal-basis')
        return
        ;;
    '--provider')
        return
        ;;
    '--param')
        return
        ;;
    '-X')
        return
        ;;
    '--data')
        return
        ;;
    '--content-type')
        return
        ;;
    '--user')
        return
        ;;
    '--issue')
        return
        ;;
    '--on-behalf-of')
        return
        ;;
    '-o'|'--output')
        __mgov_add_completions -f
        return
        ;;
    '--format')
        __mgov_add_completions -W 'json'$'\n''csv'$'\n''xml'
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_mgov_connect_catalog() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color --allowed --insecure-http -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --password-file --provider --purpose --legal-basis)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--password-file')
        __mgov_add_completions -f
        return
        ;;
    '--provider')
        return
        ;;
    '--purpose')
        return
        ;;
    '--legal-basis')
        return
        ;;
    esac
}

_mgov_log() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __mgov_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    append|query|show|tail|verify|checkpoint|prove|verify-proof|export|access-history|ship|serve)
        # Offer subcommand argument completions
        "_mgov_log_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'append query show tail verify checkpoint prove verify-proof export access-history ship serve' -- "${cur}"))
        ;;
    esac
}

_mgov_log_append() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=(--field)
    non_repeating_options=(--home --profile --type --time --user --subject --legal-basis --legal-reason --message --level --input)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--type')
        return
        ;;
    '--time')
        return
        ;;
    '--user')
        return
        ;;
    '--subject')
        return
        ;;
    '--legal-basis')
        return
        ;;
    '--legal-reason')
        return
        ;;
    '--message')
        return
        ;;
    '--level')
        return
        ;;
    '--field')
        return
        ;;
    '--input')
        __mgov_add_completions -f
        return
        ;;
    esac
}

_mgov_log_query() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color --ndjson -h --help)
    repeating_options=(--type --filter)
    non_repeating_options=(--home --profile --from --to --legal-basis --page --page-size)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--from')
        return
        ;;
    '--to')
        return
        ;;
    '--legal-basis')
        return
        ;;
    '--type')
        return
        ;;
    '--filter')
        return
        ;;
    '--page')
        return
        ;;
    '--page-size')
        return
        ;;
    esac
}

_mgov_log_show() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    esac
}

_mgov_log_tail() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -f --follow -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile -n --lines)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '-n'|'--lines')
        return
        ;;
    esac
}

_mgov_log_verify() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --password-file --from-checkpoint --key)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--password-file')
        __mgov_add_completions -f
        return
        ;;
    '--from-checkpoint')
        __mgov_add_completions -f
        return
        ;;
    '--key')
        __mgov_add_completions -f
        return
        ;;
    esac
}

_mgov_log_checkpoint() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --password-file --origin -o --output)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--password-file')
        __mgov_add_completions -f
        return
        ;;
    '--origin')
        return
        ;;
    '-o'|'--output')
        __mgov_add_completions -f
        return
        ;;
    esac
}

_mgov_log_prove() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --consistency --size -o --output)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--consistency')
        return
        ;;
    '--size')
        return
        ;;
    '-o'|'--output')
        __mgov_add_completions -f
        return
        ;;
    esac
}

_mgov_log_verify-proof() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --checkpoint --key)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--checkpoint')
        __mgov_add_completions -f
        return
        ;;
    '--key')
        __mgov_add_completions -f
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mgov_add_completions -f
        return
        ;;
    esac
}

_mgov_log_export() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --format --from-seq --to-seq -o --output)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--format')
        return
        ;;
    '--from-seq')
        return
        ;;
    '--to-seq')
        return
        ;;
    '-o'|'--output')
        __mgov_add_completions -f
        return
        ;;
    esac
}

_mgov_log_access-history() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    esac
}

_mgov_log_ship() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color --unsigned --follow --insecure -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --password-file --to --interval)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--password-file')
        __mgov_add_completions -f
        return
        ;;
    '--to')
        return
        ;;
    '--interval')
        return
        ;;
    esac
}

_mgov_log_serve() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color --insecure -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --password-file --listen --max-body)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--password-file')
        __mgov_add_completions -f
        return
        ;;
    '--listen')
        return
        ;;
    '--max-body')
        return
        ;;
    esac
}

_mgov_docs() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __mgov_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    type|add|get|show|list|version|rm|restore|purge|hold|release|share|shares|revoke|serve|verify)
        # Offer subcommand argument completions
        "_mgov_docs_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'type add get show list version rm restore purge hold release share shares revoke serve verify' -- "${cur}"))
        ;;
    esac
}

_mgov_docs_type() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __mgov_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|list)
        # Offer subcommand argument completions
        "_mgov_docs_type_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add list' -- "${cur}"))
        ;;
    esac
}

_mgov_docs_type_add() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color --delete-on-expiry --official --anonymous-verify -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --retention)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--retention')
        return
        ;;
    esac
}

_mgov_docs_type_list() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    esac
}

_mgov_docs_add() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=(--tag)
    non_repeating_options=(--home --profile --name --owner --type --number --expires --link-code --as)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--name')
        return
        ;;
    '--owner')
        return
        ;;
    '--type')
        return
        ;;
    '--number')
        return
        ;;
    '--expires')
        return
        ;;
    '--tag')
        return
        ;;
    '--link-code')
        return
        ;;
    '--as')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mgov_add_completions -f
        return
        ;;
    esac
}

_mgov_docs_get() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile -o --output --version --as)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '-o'|'--output')
        __mgov_add_completions -f
        return
        ;;
    '--version')
        return
        ;;
    '--as')
        return
        ;;
    esac
}

_mgov_docs_show() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    esac
}

_mgov_docs_list() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color --expiring --deleted -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --owner --type)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--owner')
        return
        ;;
    '--type')
        return
        ;;
    esac
}

_mgov_docs_version() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __mgov_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add)
        # Offer subcommand argument completions
        "_mgov_docs_version_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add' -- "${cur}"))
        ;;
    esac
}

_mgov_docs_version_add() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --as)
    __mgov_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--as')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    2)
        __mgov_add_completions -f
        return
        ;;
    esac
}

_mgov_docs_rm() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --as)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--as')
        return
        ;;
    esac
}

_mgov_docs_restore() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --as)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--as')
        return
        ;;
    esac
}

_mgov_docs_purge() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color --dry-run -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --as)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--as')
        return
        ;;
    esac
}

_mgov_docs_hold() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --reason --as)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--reason')
        return
        ;;
    '--as')
        return
        ;;
    esac
}

_mgov_docs_release() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --as)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--as')
        return
        ;;
    esac
}

_mgov_docs_share() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color --link -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --for --permission --from --to --as)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--for')
        return
        ;;
    '--permission')
        __mgov_add_completions -W 'read'$'\n''write'
        return
        ;;
    '--from')
        return
        ;;
    '--to')
        return
        ;;
    '--as')
        return
        ;;
    esac
}

_mgov_docs_shares() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color --by-me --for-me -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --document --as)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--document')
        return
        ;;
    '--as')
        return
        ;;
    esac
}

_mgov_docs_revoke() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --as)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--as')
        return
        ;;
    esac
}

_mgov_docs_serve() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color --insecure -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --password-file --listen)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--password-file')
        __mgov_add_completions -f
        return
        ;;
    '--listen')
        return
        ;;
    esac
}

_mgov_docs_verify() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=(--trusted)
    non_repeating_options=(--home --profile)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--trusted')
        __mgov_add_completions -f
        return
        ;;
    esac
}

_mgov_deliver() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __mgov_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|show|list|update|cancel|carrier|serve)
        # Offer subcommand argument completions
        "_mgov_deliver_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create show list update cancel carrier serve' -- "${cur}"))
        ;;
    esac
}

_mgov_deliver_create() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color --awaiting-payment -h --help)
    repeating_options=(--doc --file --package)
    non_repeating_options=(--home --profile --recipient --name --phone --email --address --pickup-point --accepted-until --estimated-ready --carrier --service --sender)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--recipient')
        return
        ;;
    '--name')
        return
        ;;
    '--phone')
        return
        ;;
    '--email')
        return
        ;;
    '--address')
        return
        ;;
    '--pickup-point')
        return
        ;;
    '--doc')
        return
        ;;
    '--file')
        __mgov_add_completions -f
        return
        ;;
    '--package')
        return
        ;;
    '--accepted-until')
        return
        ;;
    '--estimated-ready')
        return
        ;;
    '--carrier')
        return
        ;;
    '--service')
        return
        ;;
    '--sender')
        return
        ;;
    esac
}

_mgov_deliver_show() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    esac
}

_mgov_deliver_list() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --status --stale)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--status')
        return
        ;;
    '--stale')
        return
        ;;
    esac
}

_mgov_deliver_update() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --as --message --tracking-id --event-code --carrier)
    __mgov_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--as')
        __mgov_add_completions -W 'sender'$'\n''carrier'$'\n''payment'
        return
        ;;
    '--message')
        return
        ;;
    '--tracking-id')
        return
        ;;
    '--event-code')
        return
        ;;
    '--carrier')
        return
        ;;
    esac
}

_mgov_deliver_cancel() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --message)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--message')
        return
        ;;
    esac
}

_mgov_deliver_carrier() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __mgov_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|list)
        # Offer subcommand argument completions
        "_mgov_deliver_carrier_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add list' -- "${cur}"))
        ;;
    esac
}

_mgov_deliver_carrier_add() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --cert)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--cert')
        __mgov_add_completions -f
        return
        ;;
    esac
}

_mgov_deliver_carrier_list() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    esac
}

_mgov_deliver_serve() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --password-file --listen)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--password-file')
        __mgov_add_completions -f
        return
        ;;
    '--listen')
        return
        ;;
    esac
}

_mgov_notify() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __mgov_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    template|channel|contacts|send|dispatch|status|list|cancel)
        # Offer subcommand argument completions
        "_mgov_notify_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'template channel contacts send dispatch status list cancel' -- "${cur}"))
        ;;
    esac
}

_mgov_notify_template() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __mgov_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|list|show|rm|render)
        # Offer subcommand argument completions
        "_mgov_notify_template_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add list show rm render' -- "${cur}"))
        ;;
    esac
}

_mgov_notify_template_add() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --kind --lang --subject --body --short)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--kind')
        __mgov_add_completions -W 'email'$'\n''sms'$'\n''webhook'
        return
        ;;
    '--lang')
        __mgov_add_completions -W 'ro'$'\n''ru'$'\n''en'
        return
        ;;
    '--subject')
        return
        ;;
    '--body')
        return
        ;;
    '--short')
        return
        ;;
    esac
}

_mgov_notify_template_list() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    esac
}

_mgov_notify_template_show() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    esac
}

_mgov_notify_template_rm() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    esac
}

_mgov_notify_template_render() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=(--var)
    non_repeating_options=(--home --profile --lang)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--lang')
        __mgov_add_completions -W 'ro'$'\n''ru'$'\n''en'
        return
        ;;
    '--var')
        return
        ;;
    esac
}

_mgov_notify_channel() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __mgov_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|list|rm)
        # Offer subcommand argument completions
        "_mgov_notify_channel_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add list rm' -- "${cur}"))
        ;;
    esac
}

_mgov_notify_channel_add() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=(--field)
    non_repeating_options=(--home --profile --password-file --secret-file --method --encoding)
    __mgov_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--password-file')
        __mgov_add_completions -f
        return
        ;;
    '--secret-file')
        __mgov_add_completions -f
        return
        ;;
    '--method')
        return
        ;;
    '--encoding')
        __mgov_add_completions -W 'json'$'\n''form'$'\n''query'
        return
        ;;
    '--field')
        return
        ;;
    esac
}

_mgov_notify_channel_list() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    esac
}

_mgov_notify_channel_rm() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    esac
}

_mgov_notify_contacts() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __mgov_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|list|rm)
        # Offer subcommand argument completions
        "_mgov_notify_contacts_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add list rm' -- "${cur}"))
        ;;
    esac
}

_mgov_notify_contacts_add() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --name --email --phone --lang)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--name')
        return
        ;;
    '--email')
        return
        ;;
    '--phone')
        return
        ;;
    '--lang')
        __mgov_add_completions -W 'ro'$'\n''ru'$'\n''en'
        return
        ;;
    esac
}

_mgov_notify_contacts_list() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    esac
}

_mgov_notify_contacts_rm() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    esac
}

_mgov_notify_send() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color --queue -h --help)
    repeating_options=(--to --var)
    non_repeating_options=(--home --profile --channel --lang --reference --deadline)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--channel')
        return
        ;;
    '--to')
        return
        ;;
    '--var')
        return
        ;;
    '--lang')
        __mgov_add_completions -W 'ro'$'\n''ru'$'\n''en'
        return
        ;;
    '--reference')
        return
        ;;
    '--deadline')
        return
        ;;
    esac
}

_mgov_notify_dispatch() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color --watch --now -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --interval)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--interval')
        return
        ;;
    esac
}

_mgov_notify_status() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --reference)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--reference')
        return
        ;;
    esac
}

_mgov_notify_list() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --status --limit)
    __mgov_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--status')
        __mgov_add_completions -W 'Pending'$'\n''Sending'$'\n''Retrying'$'\n''Sent'$'\n''Delivered'$'\n''Failed'$'\n''Cancelled'
        return
        ;;
    '--limit')
        return
        ;;
    esac
}

_mgov_notify_cancel() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    esac
}

_mgov_pki() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __mgov_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    init-ca|issue|show)
        # Offer subcommand argument completions
        "_mgov_pki_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'init-ca issue show' -- "${cur}"))
        ;;
    esac
}

_mgov_pki_init-ca() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --name --rsa --days)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--name')
        return
        ;;
    '--rsa')
        return
        ;;
    '--days')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mgov_add_completions -d
        return
        ;;
    esac
}

_mgov_pki_issue() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color --pkcs12 -h --help)
    repeating_options=(--dns --ip)
    non_repeating_options=(--home --profile --password-file --identity --usage --rsa --days)
    __mgov_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--password-file')
        __mgov_add_completions -f
        return
        ;;
    '--identity')
        return
        ;;
    '--dns')
        return
        ;;
    '--ip')
        return
        ;;
    '--usage')
        __mgov_add_completions -W 'sign'$'\n''tls'$'\n''both'
        return
        ;;
    '--rsa')
        return
        ;;
    '--days')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mgov_add_completions -d
        return
        ;;
    esac
}

_mgov_pki_show() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --no-color -h --help)
    repeating_options=()
    non_repeating_options=(--home --profile --password-file)
    __mgov_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __mgov_add_completions -d
        return
        ;;
    '--profile')
        return
        ;;
    '--password-file')
        __mgov_add_completions -f
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mgov_add_completions -f
        return
        ;;
    esac
}

_mgov_help() {
    :
}

complete -o filenames -F _mgov mgov
