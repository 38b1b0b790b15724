/*
 * Copyright (c) 2026 The natter authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * The numeric replies natterd sends, one literal format each (ngIRCd's
 * messages.h). A format starts with the three digits of its numeric and a
 * space; reply() puts the server name and the client's nick in between,
 * and the compiler checks each call's arguments against the rest.
 */

#ifndef NATTERD_MESSAGES_H
#define NATTERD_MESSAGES_H

#define RPL_WELCOME_MSG			"001 :Welcome to the %s IRC Network %s"
#define RPL_YOURHOST_MSG \
	"002 :Your host is %s, running version natterd-%s"
#define RPL_CREATED_MSG			"003 :This server was created %s"
#define RPL_MYINFO_MSG \
	"004 %s natterd-%s Biow beIiklmnopstv beIklov"
#define RPL_ISUPPORT_MSG		"005 %s :are supported by this server"
#define RPL_UMODEIS_MSG			"221 %s"
#define RPL_LUSERCLIENT_MSG \
	"251 :There are %d users and %d invisible on %d servers"
#define RPL_LUSEROP_MSG			"252 %d :operator(s) online"
#define RPL_LUSERUNKNOWN_MSG		"253 %d :unknown connection(s)"
#define RPL_LUSERCHANNELS_MSG		"254 %d :channels formed"
#define RPL_LUSERME_MSG			"255 :I have %d clients and %d servers"
#define RPL_LOCALUSERS_MSG \
	"265 %d %d :Current local users %d, max %d"
#define RPL_GLOBALUSERS_MSG \
	"266 %d %d :Current global users %d, max %d"
#define RPL_AWAY_MSG			"301 %s :%s"
#define RPL_USERHOST_MSG		"302 :%s"
#define RPL_ISON_MSG			"303 :%s"
#define RPL_UNAWAY_MSG \
	"305 :You are no longer marked as being away"
#define RPL_NOWAWAY_MSG \
	"306 :You have been marked as being away"
#define RPL_WHOISUSER_MSG		"311 %s %s %s * :%s"
#define RPL_WHOWASUSER_MSG		"314 %s %s %s * :%s"
#define RPL_WHOISSERVER_MSG		"312 %s %s :%s"
#define RPL_WHOISOPERATOR_MSG		"313 %s :is an IRC operator"
#define RPL_ENDOFWHO_MSG		"315 %s :End of WHO list"
#define RPL_WHOISIDLE_MSG \
	"317 %s %lld %lld :seconds idle, signon time"
#define RPL_ENDOFWHOIS_MSG		"318 %s :End of /WHOIS list"
#define RPL_WHOISCHANNELS_MSG		"319 %s :%s"
#define RPL_WHOISBOT_MSG		"335 %s :is a bot"
#define RPL_LISTSTART_MSG		"321 Channel :Users  Name"
#define RPL_LIST_MSG			"322 %s %d :%s"
#define RPL_LISTEND_MSG			"323 :End of /LIST"
#define RPL_CHANNELMODEIS_MSG		"324 %s %s"
#define RPL_CREATIONTIME_MSG		"329 %s %lld"
#define RPL_NOTOPIC_MSG			"331 %s :No topic is set"
#define RPL_TOPIC_MSG			"332 %s :%s"
#define RPL_TOPICWHOTIME_MSG		"333 %s %s %lld"
#define RPL_INVITING_MSG		"341 %s %s"
#define RPL_VERSION_MSG			"351 natterd-%s %s :natter IRC server"
#define RPL_WHOREPLY_MSG		"352 %s %s %s %s %s %s :0 %s"
#define RPL_NAMREPLY_MSG		"353 %c %s :%s"
#define RPL_NAMREPLYNONE_MSG		"353 * * :%s"
#define RPL_ENDOFNAMES_MSG		"366 %s :End of /NAMES list"
#define RPL_INVITELIST_MSG		"346 %s %s %s %lld"
#define RPL_ENDOFINVITELIST_MSG		"347 %s :End of channel invite list"
#define RPL_EXCEPTLIST_MSG		"348 %s %s %s %lld"
#define RPL_ENDOFEXCEPTLIST_MSG		"349 %s :End of channel exception list"
#define RPL_BANLIST_MSG			"367 %s %s %s %lld"
#define RPL_ENDOFBANLIST_MSG		"368 %s :End of channel ban list"
#define RPL_ENDOFWHOWAS_MSG		"369 %s :End of WHOWAS"
#define RPL_INFO_MSG			"371 :%s"
#define RPL_MOTD_MSG			"372 :- %s"
#define RPL_ENDOFINFO_MSG		"374 :End of INFO list"
#define RPL_MOTDSTART_MSG		"375 :- %s Message of the day - "
#define RPL_ENDOFMOTD_MSG		"376 :End of /MOTD command."
#define RPL_YOUREOPER_MSG		"381 :You are now an IRC operator"
#define RPL_REHASHING_MSG		"382 %s :Rehashing"
#define RPL_TIME_MSG			"391 %s :%s"
/* 400 has no name of its own: it says why a line was dropped. */
#define ERR_NULLINE_MSG \
	"400 * :Line with a NUL or CR byte dropped"
#define ERR_MALFORMED_MSG		"400 * :Malformed line dropped: %s"
#define ERR_NOSUCHNICK_MSG		"401 %s :No such nick/channel"
#define ERR_NOSUCHCHANNEL_MSG		"403 %s :%s"
#define ERR_CANNOTSENDTOCHAN_MSG	"404 %s :Cannot send to channel (%s)"
#define ERR_TOOMANYCHANNELS_MSG \
	"405 %s :You have joined too many channels"
#define ERR_WASNOSUCHNICK_MSG		"406 %s :There was no such nickname"
#define ERR_TOOMANYTARGETS_MSG \
	"407 %s :Too many targets, the limit is %d"
#define ERR_NOORIGIN_MSG		"409 :No origin specified"
#define ERR_INVALIDCAPCMD_MSG		"410 %s :Invalid CAP command"
#define ERR_NORECIPIENT_MSG		"411 :No recipient given (%s)"
#define ERR_NOTEXTTOSEND_MSG		"412 :No text to send"
#define ERR_INPUTTOOLONG_MSG		"417 :Input line was too long"
/* The same numeric, saying how much of a message would fit. */
#define ERR_TEXTTOOLONG_MSG		"417 :%s"
#define ERR_UNKNOWNCOMMAND_MSG		"421 %s :Unknown command"
#define ERR_NOMOTD_MSG			"422 :MOTD File is missing"
#define ERR_NONICKNAMEGIVEN_MSG		"431 :No nickname given"
#define ERR_ERRONEUSNICKNAME_MSG	"432 %s :Erroneous nickname: %s"
#define ERR_NICKNAMEINUSE_MSG		"433 %s :Nickname is already in use"
#define ERR_USERNOTINCHANNEL_MSG \
	"441 %s %s :They aren't on that channel"
#define ERR_NOTONCHANNEL_MSG		"442 %s :You're not on that channel"
#define ERR_USERONCHANNEL_MSG		"443 %s %s :is already on channel"
#define ERR_NOTREGISTERED_MSG		"451 :You have not registered"
#define ERR_NEEDMOREPARAMS_MSG		"461 %s :Not enough parameters"
#define ERR_ALREADYREGISTERED_MSG	"462 :You may not reregister"
#define ERR_PASSWDMISMATCH_MSG		"464 :Password incorrect"
#define ERR_CHANNELISFULL_MSG		"471 %s :Cannot join channel (+l)"
#define ERR_UNKNOWNMODE_MSG		"472 %s :is unknown mode char to me"
#define ERR_INVITEONLYCHAN_MSG		"473 %s :Cannot join channel (+i)"
#define ERR_BANNEDFROMCHAN_MSG		"474 %s :Cannot join channel (+b)"
#define ERR_BADCHANNELKEY_MSG		"475 %s :Cannot join channel (+k)"
#define ERR_BANLISTFULL_MSG		"478 %s %s :Channel +%c list is full"
#define ERR_NOPRIVILEGES_MSG \
	"481 :Permission Denied- You're not an IRC operator"
#define ERR_CHANOPRIVSNEEDED_MSG	"482 %s :You're not channel operator"
#define ERR_CANTKILLSERVER_MSG		"483 :You can't kill a server!"
#define ERR_NOOPERHOST_MSG		"491 :No O-lines for your host"
#define ERR_UMODEUNKNOWNFLAG_MSG	"501 :Unknown MODE flag"
#define ERR_USERSDONTMATCH_MSG \
	"502 :Can't change mode for other users"
#define ERR_HELPNOTFOUND_MSG \
	"524 %s :No help available on this topic"
#define ERR_INVALIDKEY_MSG		"525 %s :Key is not well-formed"
#define RPL_WHOISSECURE_MSG		"671 %s :is using a secure connection"
#define ERR_INVALIDMODEPARAM_MSG	"696 %s %c %s :%s"
#define RPL_HELPSTART_MSG		"704 %s :%s"
#define RPL_HELPTXT_MSG			"705 %s :%s"
#define RPL_ENDOFHELP_MSG		"706 %s :End of /HELP"
#define RPL_MONONLINE_MSG		"730 :%s"
#define RPL_MONOFFLINE_MSG		"731 :%s"
#define RPL_MONLIST_MSG			"732 :%s"
#define RPL_ENDOFMONLIST_MSG		"733 :End of MONITOR list"
#define ERR_MONLISTFULL_MSG		"734 %d %s :Monitor list is full"

#endif
